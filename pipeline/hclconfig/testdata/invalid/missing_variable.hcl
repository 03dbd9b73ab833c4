variable "version" {
  description = "release to build"
}

step "build" {
  image   = "busybox:latest"
  command = ["echo", var.version]
}
