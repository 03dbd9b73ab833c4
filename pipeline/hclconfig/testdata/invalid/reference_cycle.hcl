# build takes an input from test's artifact, and test from build's: the
# cycle comes from references alone, without depends_on.
step "build" {
  image = "busybox:latest"
  input "report" {
    from = step.test.artifact.report
    to   = "/report"
  }
  artifact "bin" {
    path = "/out"
  }
}

step "test" {
  image   = "busybox:latest"
  command = ["echo", step.build.name]
  artifact "report" {
    path = "/report"
  }
}
