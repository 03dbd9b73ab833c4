# A step talks to a service over the run's own network. The service (a
# busybox web server) starts before the step that needs it, is waited for
# until its health check passes, and is removed when that step is done.

service "web" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /www && echo 'hello from the service' > /www/index.html && exec httpd -f -p 8080 -h /www"]

  healthcheck {
    command  = ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
    interval = "1s"
    retries  = 30
  }
}

step "fetch" {
  image   = "busybox:latest"
  env     = { URL = "http://${service.web.host}:8080/" }
  command = ["sh", "-c", "wget -qO- $URL"]
}
