variable "2fast" {
  default = 1
}

step "my step" {
  image = "busybox:latest"
}
