step "build" {
  image = "busybox:latest"
}

step "notify" {
  image = "busybox:latest"
  when  = "on_failure"
}

step "typo" {
  image      = "busybox:latest"
  depends_on = [step.build]
  when       = "on_fail"
}

step "number" {
  image = "busybox:latest"
  when  = 3
}
