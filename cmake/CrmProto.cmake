# Placeholder until protos/ lands: crm_proto_library() is defined here.
