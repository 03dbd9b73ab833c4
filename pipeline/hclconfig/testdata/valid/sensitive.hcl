# Sensitive values are collected in the model so that every output can
# mask them, including strings computed from them.
variable "token" {
  type      = string
  sensitive = true
}

variable "user" {
  default = "deploy"
}

locals {
  auth = "Bearer ${var.token}"
}

step "push" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo pushing as ${var.user}"]
  env = {
    AUTH  = local.auth
    LOUD  = upper(var.token)
    PLAIN = var.user
  }
}
