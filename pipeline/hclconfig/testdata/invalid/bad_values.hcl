pipeline {
  concurrency = 0
  timeout     = "soon"
  colour      = "blue"
}

step "s" {
  image         = "busybox:latest"
  pull          = "sometimes"
  timeout       = "-5s"
  retries       = 1.5
  allow_failure = "maybe"
  when          = "yes please"

  resources {
    memory = "lots"
    cpus   = 0
  }

  artifact "a" {
    path = "/a"
    when = "sometimes"
  }

  input "i" {
    from = "does/not/exist"
    to   = "relative"
  }

  input "j" {
    from = { step = 1 }
    to   = "/j"
  }
}
