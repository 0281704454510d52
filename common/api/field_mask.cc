#include "common/api/field_mask.h"

#include <google/protobuf/util/field_mask_util.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/split.h"

namespace crm::common {
namespace {

constexpr std::string_view kAllPaths = "*";

bool IsWildcard(const google::protobuf::FieldMask& mask) {
  return mask.paths_size() == 1 && mask.paths(0) == kAllPaths;
}

// Why `path` does not name a field of `descriptor`, or "" when it does.
std::string PathProblem(std::string_view path, const google::protobuf::Descriptor& descriptor) {
  const std::vector<std::string_view> names = SplitOn(path, '.');
  const google::protobuf::Descriptor* message = &descriptor;
  for (size_t i = 0; i < names.size(); ++i) {
    if (message == nullptr) {
      return absl::StrFormat(
          "field %s goes into %s, which is not a single message and has no sub-fields",
          QuoteValue(path), QuoteValue(names[i - 1]));
    }
    const google::protobuf::FieldDescriptor* field =
        message->FindFieldByName(std::string(names[i]));
    if (field == nullptr) {
      return absl::StrFormat("unknown field %s in %s", QuoteValue(path), descriptor.full_name());
    }
    const bool singular_message =
        !field->is_repeated() &&
        field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE;
    message = singular_message ? field->message_type() : nullptr;
  }
  return "";
}

// True when `path` or a path it lies under ("address" for "address.city") is
// updatable.
bool IsUpdatable(std::string_view path, const absl::flat_hash_set<std::string>& updatable_paths) {
  for (size_t end = path.find('.'); end != std::string_view::npos; end = path.find('.', end + 1)) {
    if (updatable_paths.contains(absl::string_view(path.data(), end))) return true;
  }
  return updatable_paths.contains(absl::string_view(path.data(), path.size()));
}

}  // namespace

absl::Status ValidateUpdateMask(const google::protobuf::FieldMask& mask,
                                const google::protobuf::Descriptor& descriptor,
                                const absl::flat_hash_set<std::string>& updatable_paths) {
  if (mask.paths_size() == 0) {
    return absl::InvalidArgumentError(
        "update_mask: must list the fields to update (or \"*\" for all updatable fields)");
  }
  if (IsWildcard(mask)) {
    // The updatable paths come from the service's code, not the caller.
    for (const std::string& path : updatable_paths) {
      if (const std::string problem = PathProblem(path, descriptor); !problem.empty()) {
        return absl::InternalError(absl::StrFormat("updatable paths: %s", problem));
      }
    }
    return absl::OkStatus();
  }
  for (const std::string& path : mask.paths()) {
    if (path == kAllPaths) {
      return absl::InvalidArgumentError("update_mask: \"*\" must be the only path");
    }
    if (const std::string problem = PathProblem(path, descriptor); !problem.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("update_mask: %s", problem));
    }
    if (!IsUpdatable(path, updatable_paths)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("update_mask: field %s cannot be updated", QuoteValue(path)));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> ExpandMask(const google::protobuf::FieldMask& mask,
                                    const absl::flat_hash_set<std::string>& updatable_paths) {
  if (!IsWildcard(mask)) return {mask.paths().begin(), mask.paths().end()};
  std::vector<std::string> paths(updatable_paths.begin(), updatable_paths.end());
  std::sort(paths.begin(), paths.end());
  return paths;
}

absl::Status ApplyUpdateMask(const google::protobuf::Message& patch,
                             const google::protobuf::FieldMask& mask,
                             const absl::flat_hash_set<std::string>& updatable_paths,
                             google::protobuf::Message* target) {
  const google::protobuf::Descriptor& descriptor = *target->GetDescriptor();
  if (patch.GetDescriptor() != &descriptor) {
    return absl::InternalError(absl::StrFormat("update_mask: patch is a %s but the target is a %s",
                                               patch.GetDescriptor()->full_name(),
                                               descriptor.full_name()));
  }
  if (absl::Status status = ValidateUpdateMask(mask, descriptor, updatable_paths); !status.ok()) {
    return status;
  }
  google::protobuf::FieldMask expanded;
  for (std::string& path : ExpandMask(mask, updatable_paths)) expanded.add_paths(std::move(path));

  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(patch, expanded, options, target);
  return absl::OkStatus();
}

}  // namespace crm::common
