step "s" {
  image   = "busybox:latest"
  command = ["echo", file("missing.txt"), templatefile("../files/greeting.tpl", { nam = ["x"] })]
}
