# Step outputs: placeholders in the model, and the edges they make.
step "version" {
  image  = "busybox:latest"
  script = "echo version=1.4.2 >> \"$RUNJOB_OUTPUT\""
}

step "build" {
  for_each = toset(["amd64", "arm64"])
  image    = "busybox:latest"
  command  = ["make", "VERSION=${step.version.output.version}", "ARCH=${each.key}"]
  artifact "bin" {
    path = "/out/${step.version.output.version}"
  }
}

step "package" {
  for_each = toset(["amd64", "arm64"])
  image    = "busybox:latest"
  workdir  = "/w/${step.build[each.key].output.dir}"
  env = {
    VERSION = step.version.output.version
    NOTES   = step.build["amd64"].output.notes
  }
  input "bin" {
    from = step.build[each.key].artifact.bin
    to   = "/in/${step.version.output.version}"
  }
}
