# The token must not appear in any diagnostic: not in the validation
# message that interpolates it, not in the snippet of the failing type
# conversion, not anywhere.
variable "token" {
  type      = string
  sensitive = true
  validation {
    condition     = length(var.token) > 20
    error_message = "token ${var.token} is too short."
  }
}

variable "port" {
  type      = number
  sensitive = true
}

step "s" {
  image   = "busybox:latest"
  command = ["echo", var.token]
  env     = { TOKEN = var.token }
}
