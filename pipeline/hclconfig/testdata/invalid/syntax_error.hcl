step "build" {
  image = "busybox:latest"
  command = ["echo", "unterminated]
}
