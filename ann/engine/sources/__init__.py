"""Annotation sources (known variants, BED, gene models), read per contig through tabix."""
