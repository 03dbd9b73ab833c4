step "build" {
  image = "busybox:latest"

  cache "a" {
    path = "relative/dir"
  }

  cache "b" {
    path = "/"
  }

  cache "c" {
    path = "/same"
  }

  cache "c" {
    path = "/same"
  }
}

step "read" {
  image = "busybox:latest"

  mount {
    source = "./no-such-dir"
    target = "data"
  }
}
