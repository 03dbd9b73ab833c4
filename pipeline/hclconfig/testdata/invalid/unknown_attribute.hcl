step "build" {
  imgae   = "busybox:latest"
  command = ["true"]
}
