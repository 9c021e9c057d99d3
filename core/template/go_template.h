// A hand-written subset of Go's text/template, as Promtail's `template` stage
// uses it (loki clients/pkg/logentry/stages/template.go) and process_exporter
// names its groups (config/config.go: fields of a struct and of a map). No C++ library
// implements Go templates, so this is our own engine: the text is parsed once
// into a small tree, which is evaluated per entry into a reused string.
//
// Supported, with Go's semantics (text/template exec.go, funcs.go):
//   - text and actions {{ }}, trim markers {{- and -}}, comments {{/* */}}
//   - fields .x (and .x.y: "<no value>" when x is missing, an error when not;
//     or, when the data says x is a map, its key y: "<no value>" if absent)
//   - literals: "..." with Go escapes, `raw`, numbers, 'c', true, false, nil
//   - pipelines `a | f b`, calls `f a b`, parentheses
//   - if / else if / else / end, with Go truthiness
//   - eq (several arguments) ne lt le gt ge and or not
//   - Promtail's ToLower ToUpper Replace Trim TrimLeft TrimRight TrimPrefix
//     TrimSuffix TrimSpace Hash (SHA3-256) Sha2Hash (SHA-256) and sprig's
//     regexReplaceAll regexReplaceAllLiteral (regex, s, repl; `$1`/`${name}`
//     expand as Go's Regexp.Expand)
// Everything else (range, with, define, template, block, break, continue,
// variables, `.` itself, printf and the other Go builtins, sprig's other
// functions) is rejected by Parse with a message naming it. Mistakes Go only
// finds when executing but that can never succeed (a wrong number of
// arguments, a literal of the wrong type, arguments to a field) are
// rejected by Parse too. Type errors of values only known per entry (a
// missing field given to ToUpper) fail Execute, as Go's Execute fails.
//
// Known differences: identifier letters beyond ASCII are all accepted;
// ToLower/ToUpper use glibc's C.UTF-8 tables (core/relabel/text_case.h) and
// keep invalid UTF-8 bytes (Go writes U+FFFD).
//
// Not thread-safe: Execute reuses buffers held by the template.
#ifndef OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_H_
#define OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_H_

#include <memory>
#include <string>
#include <string_view>

namespace outpost::tmpl {

class GoTemplate {
 public:
  // The data a template reads: the value of field `name`, false when absent
  // (printed as "<no value>", false in an if).
  class Fields {
   public:
    virtual ~Fields() = default;
    virtual bool Get(std::string_view name, std::string_view* value) const = 0;
    // For a field that is a Go map[string]string: `.name.key`. The
    // default says no field is a map (then `.name.key` fails on the
    // string `.name`, or is missing with it).
    enum class Lookup { kNotMap, kFound, kMissing };
    virtual Lookup GetKey(std::string_view name, std::string_view key,
                          std::string_view* value) const {
      (void)name, (void)key, (void)value;
      return Lookup::kNotMap;
    }
  };

  // Null, with "line L col C: message" in *error, when `text` is not a
  // template this engine runs.
  static std::unique_ptr<GoTemplate> Parse(std::string_view text, std::string* error);
  ~GoTemplate();

  // Runs the template; the result replaces *out. False on an execution
  // error (message in *error when given); *out is then unspecified.
  bool Execute(const Fields& fields, std::string* out, std::string* error = nullptr);

  struct Impl;  // go_template_internal.h

 private:
  explicit GoTemplate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace outpost::tmpl

#endif  // OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_H_
