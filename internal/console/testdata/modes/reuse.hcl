# Reused on its second run: build and test come from the first.
pipeline { reuse = true }

step "build" {
  image   = "busybox:latest"
  command = ["make"]
  artifact "bin" { path = "/out" }
}

step "test" {
  image   = "busybox:latest"
  command = ["make", "test"]
  input "bin" {
    from = step.build.artifact.bin
    to   = "/bin"
  }
}

step "deploy" {
  image      = "busybox:latest"
  reuse      = false
  command    = ["deploy"]
  depends_on = [step.test]
}
