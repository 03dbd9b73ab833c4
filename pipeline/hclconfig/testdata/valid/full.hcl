variable "greeting" {
  default     = "hello"
  description = "what to say"
}

variable "count" {
  default = 2
}

step "build" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /out && echo ${var.greeting} > /out/result.txt && echo $${HOME}"]
  env = {
    GREETING = var.greeting
    COUNT    = var.count
  }
  workdir = "/tmp"

  artifact "out" {
    path = "/out"
  }
}

step "test" {
  image      = "busybox:latest"
  command    = ["cat", "/etc/hostname"]
  depends_on = [step.build]
}
