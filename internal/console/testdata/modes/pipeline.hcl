# A chain, so only one step is ever ready and the order of events is stable.
step "build" {
  image   = "busybox:latest"
  command = ["make"]
}

step "test" {
  image      = "busybox:latest"
  command    = ["make test"]
  depends_on = [step.lint-everything]
}

step "lint-everything" {
  image      = "busybox:latest"
  command    = ["lint"]
  depends_on = [step.build]
}

step "package" {
  image      = "busybox:latest"
  command    = ["tar"]
  depends_on = [step.test]
}
