from evidence.packets.models.packets import EvidencePacket

__all__ = ["EvidencePacket"]
