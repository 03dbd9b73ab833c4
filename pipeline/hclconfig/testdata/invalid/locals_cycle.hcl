locals {
  a = "${local.b}-a"
  b = "${local.c}-b"
  c = local.a
  d = "fine"
}

step "s" {
  image   = "busybox:latest"
  command = ["echo", local.a, local.d]
}
