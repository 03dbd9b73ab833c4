step "build" {
  image   = "busybox:latest"
  command = "echo hello"
  env     = ["A=1"]
}
