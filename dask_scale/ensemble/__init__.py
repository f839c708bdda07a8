"""Blockwise ensembles: one clone of an estimator per row block, combined by vote or mean."""

from ._blockwise import BlockwiseVotingClassifier, BlockwiseVotingRegressor

__all__ = ["BlockwiseVotingClassifier", "BlockwiseVotingRegressor"]
