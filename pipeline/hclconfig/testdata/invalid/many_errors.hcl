step "one" {
  image   = "busybox:latest"
  comand  = ["true"]
}

step "two" {
  image      = "busybox:latest"
  depends_on = [step.three]
  command    = ["echo", var.nope]
}
