steps "build" {
  image = "busybox:latest"
}
