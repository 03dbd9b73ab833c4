step "build" {
  image = "busybox:latest"
}

step "build" {
  image = "busybox:latest"
}
