secret "db_password" {
  env = "RUNJOB_TEST_DB_PASSWORD"
}

step "migrate" {
  image      = "busybox:latest"
  depends_on = [service.db]
  command    = ["true"]
}

step "test" {
  image   = "busybox:latest"
  env     = { DB_HOST = service.db.host, CACHE = "${service.cache.name}:6379" }
  command = ["true"]
}

service "db" {
  image   = "busybox:latest"
  command = ["sleep", "3600"]
  env     = { PASSWORD = secret.db_password }

  healthcheck {
    command  = ["true"]
    interval = "1s"
    timeout  = "2s"
    retries  = 5
  }
}

service "cache" {
  image = "busybox:latest"
}
