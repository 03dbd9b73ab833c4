step "build" {
  image = "busybox:latest"
}

step "test" {
  image      = "busybox:latest"
  depends_on = [step.biuld]
}
