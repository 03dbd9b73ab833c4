service "db" {
  image = "busybox:latest"
  healthcheck {
    command = []
  }
}

service "db" {
  image = "busybox:latest"
}

service "web" {
  command = ["httpd"]
}

locals {
  h = service.db.host
}

step "a" {
  image      = "busybox:latest"
  depends_on = [service.dbb]
}

step "b" {
  image = "busybox:latest"
  env   = { H = service.wbe.host }
}
