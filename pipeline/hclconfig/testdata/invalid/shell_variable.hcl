step "greet" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo hello ${USER}"]
}
