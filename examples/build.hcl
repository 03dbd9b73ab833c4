# An image built in the pipeline: the "test" stage of build/Dockerfile,
# built once, used by two steps by its ID. Without tags the image is
# removed when the run ends; the engine's layer cache keeps a rebuild fast.

variable "version" {
  default = "1.0.0"
}

image "app" {
  context = "./build"
  target  = "test"
  args    = { VERSION = var.version }
}

step "test" {
  image   = image.app
  command = ["sh", "/app/run-tests.sh", var.version]
}

step "greet" {
  image   = image.app
  command = ["sh", "/app/greet.sh"]
}
