#ifndef CRM_SUPPLIER_SVC_HANDLERS_CONTRACT_HANDLER_H_
#define CRM_SUPPLIER_SVC_HANDLERS_CONTRACT_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/supplier/v1/contract_service.grpc.pb.h"
#include "supplier_svc/domain/contract_service.h"

namespace crm::supplier {

// crm.supplier.v1.ContractService over gRPC: each RPC runs the domain method through
// the CallRunner (auth, scope, worker pool).
class ContractHandler final : public v1::ContractService::CallbackService {
 public:
  ContractHandler(common::CallRunner& runner, std::shared_ptr<ContractRepository> repository,
                  Clock clock);

  grpc::ServerUnaryReactor* GetContract(grpc::CallbackServerContext* ctx,
                                        const v1::GetContractRequest* request,
                                        v1::GetContractResponse* response) override;
  grpc::ServerUnaryReactor* ListContracts(grpc::CallbackServerContext* ctx,
                                          const v1::ListContractsRequest* request,
                                          v1::ListContractsResponse* response) override;
  grpc::ServerUnaryReactor* CreateContract(grpc::CallbackServerContext* ctx,
                                           const v1::CreateContractRequest* request,
                                           v1::CreateContractResponse* response) override;
  grpc::ServerUnaryReactor* UpdateContract(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateContractRequest* request,
                                           v1::UpdateContractResponse* response) override;
  grpc::ServerUnaryReactor* ActivateContract(grpc::CallbackServerContext* ctx,
                                             const v1::ActivateContractRequest* request,
                                             v1::ActivateContractResponse* response) override;
  grpc::ServerUnaryReactor* TerminateContract(grpc::CallbackServerContext* ctx,
                                              const v1::TerminateContractRequest* request,
                                              v1::TerminateContractResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<ContractRepository> repository_;
  ContractService service_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_HANDLERS_CONTRACT_HANDLER_H_
