package hclconfig

import "github.com/hashicorp/hcl/v2"

// The schemas are strict: an attribute or block not listed is an error, and
// HCL suggests the closest known name ("Did you mean "image"?").

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "pipeline"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "step", LabelNames: []string{"name"}},
		{Type: "secret", LabelNames: []string{"name"}},
		{Type: "service", LabelNames: []string{"name"}},
		{Type: "image", LabelNames: []string{"name"}},
	},
}

var pipelineSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "name"},
		{Name: "concurrency"},
		{Name: "fail_fast"},
		{Name: "timeout"},
		{Name: "network"},
		{Name: "reuse"},
	},
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "validation"},
	},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

var stepSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "image", Required: true},
		{Name: "pull"},
		{Name: "command"},
		{Name: "script"},
		{Name: "shell"},
		{Name: "entrypoint"},
		{Name: "workdir"},
		{Name: "env"},
		{Name: "user"},
		{Name: "depends_on"},
		{Name: "timeout"},
		{Name: "retries"},
		{Name: "allow_failure"},
		{Name: "when"},
		{Name: "for_each"},
		{Name: "network"},
		{Name: "reuse"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "resources"},
		{Type: "placement"},
		{Type: "artifact", LabelNames: []string{"name"}},
		{Type: "input", LabelNames: []string{"name"}},
		{Type: "cache", LabelNames: []string{"name"}},
		{Type: "mount"},
	},
}

var mountSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "source", Required: true},
		{Name: "target", Required: true},
		{Name: "readonly"},
	},
}

var cacheSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "path", Required: true},
	},
}

var resourcesSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "memory"},
		{Name: "cpus"},
	},
}

var placementSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "constraints", Required: true},
	},
}

var artifactSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "path", Required: true},
		{Name: "when"},
	},
}

var inputSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "from", Required: true},
		{Name: "to", Required: true},
	},
}
