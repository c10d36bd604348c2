namespace Sweep.Engine.Spec;

/// <summary>The JSON Schema (draft 2020-12) of a sweep spec, as printed by <c>sweep schema</c>.
/// Model-dependent rules (which parameters and observables exist, their ranges) are checked by
/// <see cref="SpecParser"/> against the registry; see <c>sweep models</c>.</summary>
public static class SpecSchema
{
    public const string Json = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://sweep.dev/schema/sweep-spec.json",
          "title": "Sweep spec",
          "description": "A parameter sweep: the outer product of the axes, evaluated for each model over the axes that are its parameters.",
          "type": "object",
          "additionalProperties": false,
          "required": ["name", "models"],
          "properties": {
            "name": { "type": "string", "pattern": "^[A-Za-z0-9._-]+$", "description": "Run name; the default output is runs/NAME." },
            "models": {
              "description": "One model name or a list (see 'sweep models').",
              "oneOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1, "uniqueItems": true }
              ]
            },
            "axes": {
              "type": "object",
              "description": "Swept parameters, in order (the last varies fastest). Each must be a parameter of at least one model.",
              "additionalProperties": { "$ref": "#/$defs/axis" }
            },
            "constants": {
              "type": "object",
              "description": "Fixed parameter values (parameters neither swept nor given take the model's default).",
              "additionalProperties": { "type": "number" }
            },
            "bias": {
              "description": "The inner bias grid of models with an inner axis (mtj's V), last dimension of their arrays.",
              "$ref": "#/$defs/grid",
              "required": ["unit"],
              "properties": {
                "unit": { "enum": ["h", "absolute"], "description": "h: values are v = V/h (V = v h at each point); absolute: values are V." }
              },
              "unevaluatedProperties": false
            },
            "time": {
              "description": "The inner time grid of models with a time axis (spin-chain's t, units of 1/J0), last dimension of their arrays.",
              "$ref": "#/$defs/axis"
            },
            "observables": {
              "type": "array", "items": { "type": "string" }, "minItems": 1, "uniqueItems": true,
              "description": "Observables to store (each kept for the models that have it). Default: all."
            },
            "chunk": { "type": "integer", "minimum": 1, "maximum": 10000000, "description": "Outer points per chunk (each with the whole bias grid). Default: the largest power of two of evaluations whose results fit in 4 MiB, within 32768–262144." },
            "output": { "type": "string", "description": "Run directory. Default: runs/NAME." },
            "max_points": { "type": "integer", "minimum": 1, "description": "Refuse plans with more evaluations than this. Default: 100000000." },
            "adaptive": {
              "type": "object",
              "additionalProperties": false,
              "required": ["axes", "observables", "budget"],
              "description": "Adaptive refinement (one model): the spec's grid is the coarsest level; each round splits the cells where the observables change most, and those whose corners differ in status, down to the resolution (docs/ADAPTIVE.md).",
              "properties": {
                "axes": {
                  "type": "object", "minProperties": 1, "maxProperties": 3,
                  "description": "Axes to refine (lin or log spec axes with n ≥ 2, or the inner grid as v, V or t) and their resolution: the smallest cell, in parameter units (decades for a log axis), in (0, coarse step]. The other axes stay grids.",
                  "additionalProperties": { "type": "number", "exclusiveMinimum": 0 }
                },
                "observables": {
                  "type": "object", "minProperties": 1,
                  "description": "Stored observables whose variation drives the refinement, with their scale: log (log10 |y|) or lin (y over its range).",
                  "additionalProperties": { "enum": ["lin", "log"] }
                },
                "budget": { "type": "integer", "minimum": 1, "description": "Most refined points in all (at least the coarse grid's); each is evaluated over the unrefined axes." },
                "tolerance": { "type": "number", "minimum": 0, "description": "Stop once every refinable cell's loss is at most this (scaled units; decades for log). Default 0: until the budget or the resolution." }
              }
            },
            "figures": {
              "type": "array",
              "description": "Plots 'sweep plot RUN --all' renders (they do not change the plan). Dimensions: the model's spec axes, and v, V or t for its inner grid.",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "y", "x"],
                "properties": {
                  "name": { "type": "string", "pattern": "^[A-Za-z0-9._-]+$", "description": "Names the image file NAME.png." },
                  "model": { "type": "string", "description": "Required when the spec has several models." },
                  "y": {
                    "description": "Observable(s); several are drawn as one line each.",
                    "oneOf": [ { "type": "string" }, { "type": "array", "items": { "type": "string" }, "minItems": 1, "uniqueItems": true } ]
                  },
                  "x": { "type": "string", "description": "Dimension on the x axis." },
                  "curves": { "type": "string", "description": "Dimension drawn as a family of curves, one per value." },
                  "heatmap": { "type": "string", "description": "Dimension on the y axis of a heatmap (not with curves)." },
                  "at": { "type": "object", "additionalProperties": { "type": "number" }, "description": "Values for the other dimensions (nearest grid value); needed for each with more than one value." },
                  "log": { "type": "array", "items": { "enum": ["x", "y", "z"] }, "uniqueItems": true, "description": "Log-scaled axes (z: a heatmap's colour). Default: x and a heatmap's y where the spec's grid is log-spaced." },
                  "range": { "$ref": "#/$defs/range", "description": "[min, max] of the values shown (y of lines, colour of a heatmap)." },
                  "title": { "type": "string" },
                  "caption": { "type": "string", "description": "What the figure reproduces (kept in the --data sidecar)." }
                }
              }
            }
          },
          "$defs": {
            "axis": { "$ref": "#/$defs/grid", "unevaluatedProperties": false },
            "grid": {
              "type": "object",
              "oneOf": [
                {
                  "required": ["lin", "n"],
                  "properties": { "lin": { "$ref": "#/$defs/range" }, "n": { "$ref": "#/$defs/count" } },
                  "description": "n points from start to end, evenly spaced, both ends included."
                },
                {
                  "required": ["log", "n"],
                  "properties": { "log": { "$ref": "#/$defs/range" }, "n": { "$ref": "#/$defs/count" } },
                  "description": "n points from start to end, evenly spaced in the logarithm; 0 < start < end."
                },
                {
                  "required": ["values"],
                  "properties": { "values": { "type": "array", "items": { "type": "number" }, "minItems": 1, "uniqueItems": true } },
                  "description": "An explicit list of values."
                }
              ]
            },
            "range": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2, "description": "[start, end], start < end (or equal with n = 1)." },
            "count": { "type": "integer", "minimum": 1, "maximum": 100000000 }
          }
        }

        """;
}
