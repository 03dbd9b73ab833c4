variable "env" {
  type = string
  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "env must be \"dev\" or \"prod\", not \"${var.env}\"."
  }
  validation {
    condition     = length(var.env) <= 4
    error_message = "env is at most 4 characters long."
  }
}

step "s" {
  image   = "busybox:latest"
  command = ["echo", var.env]
}
