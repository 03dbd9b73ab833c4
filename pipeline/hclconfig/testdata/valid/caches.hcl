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

step "read" {
  image   = "busybox:latest"
  command = ["ls", "/data"]

  mount {
    source   = "../files"
    target   = "/data"
    readonly = true
  }
}
