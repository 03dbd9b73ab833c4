# Secrets are declared with where their value comes from; the loader never
# reads them (the environment variable below is unset, the file missing).
secret "deploy_token" {
  env = "RUNJOB_TEST_DEPLOY_TOKEN"
}

secret "ssh_key" {
  file = "keys/id_ed25519"
}

step "deploy" {
  image = "busybox:latest"
  env = {
    TOKEN  = secret.deploy_token
    HEADER = "Bearer ${secret.deploy_token}"
    KEY    = secret["ssh_key"]
  }
  command = ["sh", "-c", "test -n \"$TOKEN\""]
}
