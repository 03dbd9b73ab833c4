# Variables, locals, functions, a for_each matrix, a script and inputs from
# upstream artifacts, all on busybox and offline:
#
#   runjob examples/matrix.hcl --var greeting=hi --dry-run
#   runjob list examples/matrix.hcl
variable "greeting" {
  type        = string
  default     = "hello"
  description = "what every instance says"

  validation {
    condition     = length(var.greeting) > 0
    error_message = "greeting must not be empty."
  }
}

variable "shapes" {
  type    = list(string)
  default = ["circle", "square"]
}

locals {
  sizes = ["s", "l"]
  # One instance per (shape, size) pair, keyed "circle-s", "circle-l", ...
  matrix = {
    for pair in setproduct(var.shapes, local.sizes) :
    "${pair[0]}-${pair[1]}" => { shape = pair[0], size = pair[1] }
  }
}

pipeline {
  name        = "matrix-demo"
  concurrency = 4
}

step "prepare" {
  image  = "busybox:latest"
  script = <<-EOT
    mkdir -p /out
    echo "${upper(var.greeting)}" > /out/greeting.txt
    echo "prepared for $(hostname)"
  EOT

  artifact "greeting" {
    path = "/out/greeting.txt"
  }
}

step "draw" {
  for_each = local.matrix
  image    = "busybox:latest"
  env = {
    SHAPE = each.value.shape
    SIZE  = each.value.size
  }
  script = <<-EOT
    mkdir -p /out
    echo "${var.greeting} from ${each.key}: a $${SIZE} $${SHAPE}" | tee /out/${each.key}.txt
  EOT

  # A reference to another step's artifact makes it a dependency; the
  # artifact is copied to /in before the step starts.
  input "greeting" {
    from = step.prepare.artifact.greeting
    to   = "/in"
  }

  artifact "drawing" {
    path = "/out"
  }
}

step "summary" {
  image = "busybox:latest"
  # step.draw without a key depends on every instance of draw.
  command    = ["echo", "drew ${length(step.draw)} shapes: ${join(", ", keys(step.draw))}"]
  depends_on = [step.draw]
}
