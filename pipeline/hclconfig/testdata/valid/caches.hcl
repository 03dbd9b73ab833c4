step "build" {
  image   = "busybox:latest"
  command = ["true"]

  cache "go-build" {
    path = "/root/.cache/go-build/"
  }

  cache "modules" {
    path = "/go/pkg/mod"
  }
}
