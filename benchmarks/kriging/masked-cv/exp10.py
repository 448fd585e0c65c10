from h import *
hid=read_hidden('/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
K=4; W=0.5*SIG
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]; P=profile(Xtr)
H=[0,3,6,12]
def feats(Xr,rows,t,cand,h):
    # neighbours' values at row r (persistence), profiles at r+h
    nb,d,up=neighbours(t,cand,K); g=np.exp(-(d/W)**2); om=g/g.sum()
    V=Xr[rows][:,nb]; tod=(rows+h)%288; Pk=P[tod][:,nb]; Pn=P[rows%288][:,nb]; n=len(V)
    B=V@om; dev=V-B[:,None]
    F=[np.sort(V,1)-B[:,None], dev, g*dev, up*dev, (Pk@om-B)[:,None], (np.median(Pk,1)-B)[:,None], (V.mean(1)-B)[:,None],
       (np.mean(Xr[rows][:,cand],1)-B)[:,None], np.ones((n,1)), ((V-Pn)@om)[:,None]]
    ang=2*np.pi*tod/288; F.append(np.stack([np.sin(ang),np.cos(ang),np.sin(2*ang),np.cos(2*ang)],1))
    return np.concatenate(F,1),B
def lad(F,y,lam,its=3):
    n=len(y); A=F; b=np.linalg.solve(A.T@A/n+lam*np.eye(A.shape[1]),A.T@y/n)
    for _ in range(its):
        w=1/np.maximum(np.abs(y-A@b),0.5); Aw=A*w[:,None]
        b=np.linalg.solve(Aw.T@A/w.sum()+lam*np.eye(A.shape[1]),Aw.T@y/w.sum())
    return b
lam=3
B0=None
for h in H:
    rows=np.arange(0,TR-h,2); rte=np.arange(0,len(Xte)-h)
    cvd={t:feats(Xtr,rows,t,np.array([j for j in obs if fold[j]!=fold[t]]),h)+(Xtr[rows+h,t],) for t in obs}
    ted={t:feats(Xte,rte,t,obs,h)+(Xte[rte+h,t],) for t in hid}
    st=lambda ts,S:[np.concatenate([S[t][i] for t in ts]) for i in range(3)]
    out={}
    for name in ['own','b0']:
        e=[]
        for k in range(nf):
            F,B,y=st([t for t in obs if fold[t]!=k],cvd)
            b=lad(F,y-B,lam) if name=='own' or h==0 else B0[k]
            if h==0: B0=B0 or {}; B0[k]=b
            Ft,Bt,yt=st([t for t in obs if fold[t]==k],cvd); e.append(np.abs(Bt+Ft@b-yt))
        F,B,y=st(list(obs),cvd); b=lad(F,y-B,lam) if name=='own' or h==0 else B0['all']
        if h==0: B0['all']=b
        Ft,Bt,yt=st(hid,ted)
        out[name]=(round(np.mean(np.concatenate(e)),3), round(np.mean(np.abs(Bt+Ft@b-yt)),3))
    Ft,Bt,yt=st(hid,ted); F,B,y=st(list(obs),cvd)
    print('h',h,out,'knn-persist cv',round(np.mean(np.abs(B-y)),3),'test',round(np.mean(np.abs(Bt-yt)),3),flush=True)
