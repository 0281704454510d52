#ifndef CRM_SUPPLIER_SVC_DOMAIN_OFFERING_SERVICE_H_
#define CRM_SUPPLIER_SVC_DOMAIN_OFFERING_SERVICE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/supplier/v1/offering_service.pb.h"
#include "supplier_svc/domain/offering_repository.h"
#include "supplier_svc/domain/supplier_service.h"

namespace crm::supplier {

// The rules of crm.supplier.v1.OfferingService, independent of gRPC and SQL:
// each method validates the request, applies the rules (the supplier can take
// offerings, no overlapping validity of competing offerings) and stores the
// change with its audit entry in one transaction.
class OfferingService {
 public:
  OfferingService(OfferingRepository& repository, Clock clock);

  absl::Status GetOffering(const common::CallContext& call, const v1::GetOfferingRequest& request,
                           v1::GetOfferingResponse& response);
  absl::Status ListOfferings(const common::CallContext& call,
                             const v1::ListOfferingsRequest& request,
                             v1::ListOfferingsResponse& response);
  absl::Status CreateOffering(const common::CallContext& call,
                              const v1::CreateOfferingRequest& request,
                              v1::CreateOfferingResponse& response);
  absl::Status UpdateOffering(const common::CallContext& call,
                              const v1::UpdateOfferingRequest& request,
                              v1::UpdateOfferingResponse& response);
  absl::Status DeleteOffering(const common::CallContext& call,
                              const v1::DeleteOfferingRequest& request,
                              v1::DeleteOfferingResponse& response);
  absl::Status UndeleteOffering(const common::CallContext& call,
                                const v1::UndeleteOfferingRequest& request,
                                v1::UndeleteOfferingResponse& response);
  absl::Status BestPrice(const common::CallContext& call, const v1::BestPriceRequest& request,
                         v1::BestPriceResponse& response);

 private:
  absl::Time Now() const;
  // The rules a live offering must keep against the database: its supplier
  // takes offerings, its contract is that supplier's, and no competing live
  // offering has an overlapping window.
  absl::Status CheckLiveOffering(OfferingStore& store, const v1::Offering& offering,
                                 int64_t self_id);
  // Writes `updated` over `stored` with an audit entry of the differences.
  absl::StatusOr<StoredOffering> StoreChange(OfferingStore& store, const common::CallContext& call,
                                             const StoredOffering& stored, v1::Offering updated,
                                             crm::common::v1::AuditAction action, absl::Time now);

  OfferingRepository& repository_;
  Clock clock_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_OFFERING_SERVICE_H_
