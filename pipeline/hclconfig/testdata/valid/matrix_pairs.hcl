# Each test instance takes the artifact of the build instance with the same
# key: step.build[each.key] depends on that one instance, not on all.
step "build" {
  for_each = toset(["amd64", "arm64"])
  image    = "busybox:latest"
  command  = ["echo", "building ${each.key}"]
  artifact "bin" {
    path = "/out"
  }
}

step "test" {
  for_each = toset(["amd64", "arm64"])
  image    = "busybox:latest"
  command  = ["echo", "testing ${step.build[each.key].name}"]
  input "bin" {
    from = step.build[each.key].artifact.bin
    to   = "/bin"
  }
}

step "all" {
  image   = "busybox:latest"
  command = ["echo", join(",", [for k, b in step.build : b.name])]
}
