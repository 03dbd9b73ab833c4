step "a" {
  image      = "busybox:latest"
  depends_on = [step.c]
}

step "b" {
  image      = "busybox:latest"
  depends_on = [step.a]
}

step "c" {
  image      = "busybox:latest"
  depends_on = [step.b]
}
