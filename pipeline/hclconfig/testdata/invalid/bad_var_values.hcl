variable "count" {
  type = number
}

variable "tags" {
  type = list(string)
}

variable "flags" {
  type    = map(bool)
  default = { a = "not a bool" }
}

step "s" {
  image   = "busybox:latest"
  command = concat(["echo", tostring(var.count)], var.tags)
}
