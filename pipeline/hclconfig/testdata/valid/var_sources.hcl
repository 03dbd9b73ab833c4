# Precedence: --var > --var-file (later files win) > RUNJOB_VAR_ > default.
variable "from_default" { default = "default" }
variable "from_env" { default = "default" }
variable "from_file" { default = "default" }
variable "from_flag" { default = "default" }
variable "file_only" { default = "default" }

# Typed values from the command line and the environment are parsed per type.
variable "replicas" { type = number }
variable "tags" { type = list(string) }
variable "limits" { type = map(number) }
variable "enabled" { type = bool }
variable "ports" { type = list(number) }
variable "debug" { type = bool }
variable "opts" {
  type = object({ name = string, level = optional(number, 3) })
}

step "show" {
  image = "busybox:latest"
  env = {
    FROM_DEFAULT = var.from_default
    FROM_ENV     = var.from_env
    FROM_FILE    = var.from_file
    FROM_FLAG    = var.from_flag
    FILE_ONLY    = var.file_only
    REPLICAS     = var.replicas * 2
    TAGS         = join(",", var.tags)
    CPU          = var.limits.cpu
    ENABLED      = var.enabled
    PORTS        = jsonencode(var.ports)
    DEBUG        = var.debug
    OPTS         = jsonencode(var.opts)
  }
}
