"""Key lifecycle: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey,
ScheduleKeyDeletion, CancelKeyDeletion; KeyId forms; AWS managed keys (kms-facts §2, §3, §6, §10).
"""
