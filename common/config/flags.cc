#include "common/config/flags.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace crm::common {

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string EnvVarName(std::string_view flag_name) {
  return absl::StrCat("CRM_", absl::AsciiStrToUpper(std::string(flag_name)));
}

absl::StatusOr<ParsedFlags> ParseFlags(const std::vector<FlagSpec>& specs,
                                       const std::vector<std::string>& args,
                                       const EnvLookup& env) {
  std::map<std::string, const FlagSpec*> by_name;
  for (const FlagSpec& spec : specs) by_name[spec.name] = &spec;

  ParsedFlags parsed;
  std::map<std::string, std::string> from_command_line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help_requested = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", arg, "\"; flags look like --name=value"));
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (!by_name.contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, "; see --help"));
    }
    if (!value.has_value()) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
      }
      value = args[++i];
    }
    from_command_line[name] = *value;
  }

  std::vector<std::string> missing;
  for (const FlagSpec& spec : specs) {
    std::optional<std::string> value;
    if (auto it = from_command_line.find(spec.name); it != from_command_line.end()) {
      value = it->second;
    } else if (auto env_value = env(EnvVarName(spec.name)); env_value.has_value()) {
      value = *env_value;
    }
    if (!value.has_value() || (spec.required && value->empty())) {
      if (spec.required) {
        missing.push_back(absl::StrCat("--", spec.name, " (or ", EnvVarName(spec.name), ")"));
        continue;
      }
      value = spec.default_value;
    }
    parsed.values[spec.name] = *value;
  }
  if (!missing.empty() && !parsed.help_requested) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing required configuration: ", absl::StrJoin(missing, ", ")));
  }
  return parsed;
}

std::string FlagsHelp(std::string_view program, const std::vector<FlagSpec>& specs) {
  std::string help = absl::StrCat("usage: ", std::string(program), " [--flag=value ...]\n",
                                  "every flag falls back to its CRM_* environment variable\n\n");
  for (const FlagSpec& spec : specs) {
    absl::StrAppend(&help, "  --", spec.name, " (", EnvVarName(spec.name), ")",
                    spec.required ? " required" : "", "\n      ", spec.help);
    if (!spec.default_value.empty()) absl::StrAppend(&help, " [default: ", spec.default_value, "]");
    absl::StrAppend(&help, "\n");
  }
  return help;
}

absl::StatusOr<std::string> ReadSecretFile(std::string_view flag_name, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read --", std::string(flag_name), " file \"", path,
                                            "\": ", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string secret = content.str();
  if (absl::EndsWith(secret, "\r\n")) {
    secret.resize(secret.size() - 2);
  } else if (absl::EndsWith(secret, "\n")) {
    secret.pop_back();
  }
  return secret;
}

}  // namespace crm::common
