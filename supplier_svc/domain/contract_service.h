#ifndef CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_SERVICE_H_
#define CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_SERVICE_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/supplier/v1/contract_service.pb.h"
#include "supplier_svc/domain/contract_repository.h"
#include "supplier_svc/domain/supplier_service.h"

namespace crm::supplier {

// The rules of crm.supplier.v1.ContractService, independent of gRPC and SQL:
// each method validates the request, applies the rules and stores the change
// with its audit entries in one transaction.
// Writes `updated` over `stored` (update time `now`) with an audit entry of
// the differences; for every change of a contract, also one a purchase order
// makes by drawing on it.
absl::StatusOr<StoredContract> StoreContractChange(ContractStore& store,
                                                   const common::CallContext& call,
                                                   const StoredContract& stored,
                                                   v1::Contract updated,
                                                   crm::common::v1::AuditAction action,
                                                   std::string_view reason, absl::Time now);

class ContractService {
 public:
  ContractService(ContractRepository& repository, Clock clock);

  absl::Status GetContract(const common::CallContext& call, const v1::GetContractRequest& request,
                           v1::GetContractResponse& response);
  absl::Status ListContracts(const common::CallContext& call,
                             const v1::ListContractsRequest& request,
                             v1::ListContractsResponse& response);
  absl::Status CreateContract(const common::CallContext& call,
                              const v1::CreateContractRequest& request,
                              v1::CreateContractResponse& response);
  absl::Status UpdateContract(const common::CallContext& call,
                              const v1::UpdateContractRequest& request,
                              v1::UpdateContractResponse& response);
  // DRAFT → ACTIVE; the supplier must take orders and the term must not have
  // ended. Each line becomes an offering of the supplier at the agreed price,
  // valid over the term.
  absl::Status ActivateContract(const common::CallContext& call,
                                const v1::ActivateContractRequest& request,
                                v1::ActivateContractResponse& response);
  // ACTIVE → TERMINATED with a reason; the contract's offerings are deleted.
  absl::Status TerminateContract(const common::CallContext& call,
                                 const v1::TerminateContractRequest& request,
                                 v1::TerminateContractResponse& response);

 private:
  absl::Time Now() const;
  // The contract as a caller sees it today (expiry applied).
  v1::Contract Present(v1::Contract contract) const;

  ContractRepository& repository_;
  Clock clock_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_SERVICE_H_
