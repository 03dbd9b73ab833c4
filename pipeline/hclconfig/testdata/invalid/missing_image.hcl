step "build" {
  command = ["true"]
}
