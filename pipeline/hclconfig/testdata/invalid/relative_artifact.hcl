step "build" {
  image = "busybox:latest"

  artifact "out" {
    path = "out"
  }
}
