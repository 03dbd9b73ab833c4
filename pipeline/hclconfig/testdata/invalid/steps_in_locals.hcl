locals {
  name = step.s.name
}

pipeline {
  name = local.name
}

pipeline {
  name = "again"
}

step "s" {
  image = "busybox:latest"
}
