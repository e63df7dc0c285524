"""Multi-Region keys: ReplicateKey, UpdatePrimaryRegion, related keys that share key material and
rotate together on the primary's schedule, and the deletion of a primary that outlives its
replicas (kms-facts §1.1, §2, §3.3, §10).
"""
