#ifndef CRM_COMMON_API_FIELD_MASK_H_
#define CRM_COMMON_API_FIELD_MASK_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"

namespace crm::common {

// AIP-134 update masks. Paths use proto field names ("display_name"), dots
// for fields of singular sub-messages ("address.city"). A path is updatable
// when it, or a path it lies under, is in `updatable_paths` ("address" makes
// "address.city" updatable; "address.city" does not make "address" updatable).
// The mask "*" (alone) means every updatable path.

// OK when every path exists in `descriptor` and is updatable. Errors are
// INVALID_ARGUMENT, e.g.
//   update_mask: must list the fields to update (or "*" for all updatable fields)
//   update_mask: unknown field "foo" in crm.customer.v1.Customer
//   update_mask: field "etag" cannot be updated
absl::Status ValidateUpdateMask(const google::protobuf::FieldMask& mask,
                                const google::protobuf::Descriptor& descriptor,
                                const absl::flat_hash_set<std::string>& updatable_paths);

// The mask's paths, with "*" replaced by every updatable path (sorted).
std::vector<std::string> ExpandMask(const google::protobuf::FieldMask& mask,
                                    const absl::flat_hash_set<std::string>& updatable_paths);

// Validates the mask against `target`'s type, then copies exactly the masked
// fields from `patch` to `target`: a masked field that is unset or empty in
// `patch` is cleared on `target`, masked repeated and message fields are
// replaced (not appended or merged), fields outside the mask are untouched.
// Nothing changes when an error is returned. `patch` must have the same type
// as `target`.
absl::Status ApplyUpdateMask(const google::protobuf::Message& patch,
                             const google::protobuf::FieldMask& mask,
                             const absl::flat_hash_set<std::string>& updatable_paths,
                             google::protobuf::Message* target);

}  // namespace crm::common

#endif  // CRM_COMMON_API_FIELD_MASK_H_
