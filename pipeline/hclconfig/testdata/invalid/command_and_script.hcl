step "both" {
  image   = "busybox:latest"
  command = ["echo", "hi"]
  script  = "echo hi"
}

step "shell_only" {
  image = "busybox:latest"
  shell = ["/bin/bash", "-c"]
}
