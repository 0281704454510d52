#ifndef CRM_COMMON_API_VALIDATOR_H_
#define CRM_COMMON_API_VALIDATOR_H_

#include <utility>

#include "absl/status/status.h"

namespace crm::common {

// Collects the outcome of several checks and keeps the first failure, so a
// handler reports one precise message:
//   Validator v;
//   v.Check(ValidateEmail("customer.email", customer.email()));
//   v.Check(ValidatePhone("customer.phone", customer.phone()));
//   return v.status();
class Validator {
 public:
  // Records `status` unless an earlier check already failed.
  void Check(absl::Status status) {
    if (status_.ok()) status_ = std::move(status);
  }

  bool ok() const { return status_.ok(); }

  // The first failed check, or OK.
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

}  // namespace crm::common

#endif  // CRM_COMMON_API_VALIDATOR_H_
